"use strict";
// typedTarget's refusal of a home or device that is no text (tibber-live, flume-flow), as the kernel
// says it: in English without a runtime, and in German through a German runtime's RED._.
require("should");
const { typedTarget } = require("../../dist/runtime/account");
const { localiseError, translate } = require("../../dist/runtime/i18n");
const { germanTranslate } = require("../helpers/german");

describe("typedTarget's error in German", function () {
  /** The error for msg.home = {a: 1}, from a kit that evaluates every typed input to an object. */
  const refusal = () =>
    typedTarget({ evaluate: async () => ({ a: 1 }) }, { type: "msg", value: "home" }, {}).then(
      () => Promise.reject(new Error("accepted an object")),
      (err) => err,
    );

  it("keeps its English text and status", async function () {
    const err = await refusal();
    err.message.should.equal("msg.home must be text (an id or a name), not object.");
    err.statusText.should.equal("msg.home is not text");
  });

  it("says both in German in a German runtime", async function () {
    const _ = await germanTranslate();
    const err = localiseError(await refusal(), (key, vars) => translate(_, "tibber-live", key, vars));
    err.message.should.equal("msg.home muss Text sein (eine ID oder ein Name), nicht object.");
    err.statusText.should.equal("msg.home ist kein Text");
  });
});
