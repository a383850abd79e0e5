// The one module that bounds what a message may make a node do (src/shared/bounds.ts).
"use strict";
const should = require("should");
const { checkText, checkList, checkKeys, checkTexts, checkCount, MAX_NAME_CHARS } = require("../../dist/shared/bounds");
const { ValidationError } = require("../../dist/shared/errors");

function refused(fn) {
  let thrown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  should.exist(thrown, "no error");
  thrown.should.be.instanceOf(ValidationError);
  return thrown;
}

describe("shared bounds: strings and lists from a message", function () {
  it("refuses a string longer than the bound, naming the property and the bound, not the value", function () {
    const huge = "x".repeat(4 * 1024 * 1024);
    const err = refused(() => checkText(huge, "device"));
    err.message.should.equal("msg.device has 4194304 characters; this node takes at most 1000.");
    err.statusText.should.equal("msg.device too long");
    err.i18n.should.eql({
      key: "shared.errors.tooLong",
      statusKey: "shared.status.tooLong",
      vars: { property: "device", length: 4194304, max: 1000 },
    });
    MAX_NAME_CHARS.should.equal(1000);
    checkText("x".repeat(1000), "device").should.equal("x".repeat(1000));
    // not a string: another check owns it
    should(checkText(undefined, "device")).be.undefined();
    checkText(42, "device").should.equal(42);
    refused(() => checkText("abc", "topic", 2)).message.should.match(/msg\.topic has 3 characters; .* at most 2\./);
  });

  it("refuses lists, key sets, counts and tag values over their bounds", function () {
    let err = refused(() => checkList(new Array(11).fill(0), "payload", 10));
    err.message.should.equal(
      "msg.payload has 11 entries; this node takes at most 10 in one message: split it into several messages.",
    );
    err.statusText.should.equal("msg.payload: too many entries");
    err.i18n.key.should.equal("shared.errors.tooMany");
    refused(() => checkList(new Float64Array(11), "payload.t", 10));
    checkList(new Array(10).fill(0), "payload", 10);
    checkList({ length: 2 ** 32 }, "payload", 10); // a look-alike is no list: its parser refuses it
    refused(() => checkKeys({ a: 1, b: 2, c: 3 }, "payload.meters", 2)).message.should.match(/has 3 entries/);
    err = refused(() => checkKeys({ ["m".repeat(1001)]: 1 }, "payload.meters", 2));
    err.message.should.match(/^msg\.payload\.meters key has 1001 characters/);
    refused(() => checkTexts({ room: "k", meter_id: "m".repeat(1001) }, "tags")).message.should.match(
      /^msg\.tags\.meter_id has 1001 characters/,
    );
    refused(() => checkCount(51, "payload.meters consumption", 50)).message.should.match(/has 51 entries/);
  });
});
