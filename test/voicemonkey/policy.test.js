"use strict";
const {
  AnnouncePolicy,
  HeldAnnouncements,
  storableMessage,
  storedHeld,
  parseClockTime,
  inWindow,
  nextLocalTime,
  localDay,
} = require("../../dist/features/voicemonkey/domain");

// Local wall-clock instants, so the tests hold in any TZ the suite runs in.
const at = (h, m = 0, day = 5) => new Date(2026, 0, day, h, m).getTime();
const policy = (o = {}) => new AnnouncePolicy({ cooldownSeconds: 900, holdQuiet: false, maxPerDay: 20, ...o });

describe("voicemonkey: local time helpers", function () {
  it("parses HH:MM, treats blank as off and rejects junk with a message that shows the format", function () {
    parseClockTime("22:00").should.equal(1320);
    parseClockTime("7:05").should.equal(425);
    (parseClockTime("") === undefined).should.be.true();
    (parseClockTime("  ") === undefined).should.be.true();
    (() => parseClockTime("25:00", "quiet hours start")).should.throw(/quiet hours start "25:00".*HH:MM/);
    (() => parseClockTime("10pm")).should.throw(/HH:MM/);
  });

  it("knows windows within a day, across midnight, and empty ones", function () {
    inWindow(23 * 60, 22 * 60, 7 * 60).should.be.true();
    inWindow(3 * 60, 22 * 60, 7 * 60).should.be.true();
    inWindow(7 * 60, 22 * 60, 7 * 60).should.be.false();
    inWindow(12 * 60, 22 * 60, 7 * 60).should.be.false();
    inWindow(13 * 60, 12 * 60, 14 * 60).should.be.true();
    inWindow(14 * 60, 12 * 60, 14 * 60).should.be.false();
    inWindow(8 * 60, 8 * 60, 8 * 60).should.be.false();
  });

  it("finds the next local time of day, today or tomorrow", function () {
    nextLocalTime(at(23, 30), 7 * 60).should.equal(at(7, 0, 6));
    nextLocalTime(at(3, 0), 7 * 60).should.equal(at(7, 0, 5));
    nextLocalTime(at(7, 0), 7 * 60).should.equal(at(7, 0, 6));
    localDay(at(23, 59)).should.equal("2026-01-05");
    localDay(at(0, 0, 6)).should.equal("2026-01-06");
  });
});

describe("voicemonkey: announcement policy", function () {
  it("suppresses the same text for the same device within the cooldown and allows it after", function () {
    const p = policy({ cooldownSeconds: 900 });
    p.decide("echo", "Water is running", at(10)).should.eql({ action: "send" });
    p.recordSent("echo", "Water is running", at(10));
    p.decide("echo", "Water is running", at(10, 14)).should.eql({
      action: "drop",
      reason: "cooldown",
      until: at(10, 15),
    });
    // spacing and case do not make a new text; another text or device is not held back
    p.decide("echo", "  water IS   running ", at(10, 5)).action.should.equal("drop");
    p.decide("echo", "Dryer is done", at(10, 5)).action.should.equal("send");
    p.decide("bedroom", "Water is running", at(10, 5)).action.should.equal("send");
    p.decide("echo", "Water is running", at(10, 15)).should.eql({ action: "send" });
  });

  it("has no cooldown when it is 0", function () {
    const p = policy({ cooldownSeconds: 0 });
    p.recordSent("echo", "a", at(10));
    p.decide("echo", "a", at(10)).action.should.equal("send");
  });

  it("drops inside quiet hours across midnight, with when they end", function () {
    const p = policy({ quietStart: "22:00", quietEnd: "07:00" });
    p.decide("echo", "leak", at(23, 10)).should.eql({ action: "drop", reason: "quiet-hours", until: at(7, 0, 6) });
    p.decide("echo", "leak", at(2, 0)).should.eql({ action: "drop", reason: "quiet-hours", until: at(7, 0) });
    p.decide("echo", "leak", at(7, 0)).action.should.equal("send");
    p.decide("echo", "leak", at(21, 59)).action.should.equal("send");
    p.describeQuietHours().should.equal("22:00–07:00");
  });

  it("holds inside quiet hours until they end when holdQuiet is set", function () {
    const p = policy({ quietStart: "13:00", quietEnd: "15:30", holdQuiet: true });
    p.decide("echo", "leak", at(14, 0)).should.eql({ action: "hold", until: at(15, 30) });
    p.decide("echo", "leak", at(15, 30)).should.eql({ action: "send" });
  });

  it("needs both ends of the quiet hours and treats equal ends as none", function () {
    (() => policy({ quietStart: "22:00" })).should.throw(/both a start and an end/);
    const p = policy({ quietStart: "08:00", quietEnd: "08:00" });
    p.hasQuietHours.should.be.false();
    p.decide("echo", "x", at(8, 0)).action.should.equal("send");
  });

  it("stops at the daily cap and starts counting again at local midnight", function () {
    const p = policy({ maxPerDay: 3, cooldownSeconds: 0 });
    for (let i = 0; i < 3; i++) {
      p.decide("echo", `n${i}`, at(9, i)).action.should.equal("send");
      p.recordSent("echo", `n${i}`, at(9, i));
    }
    p.countToday(at(9, 5)).should.equal(3);
    p.decide("echo", "n4", at(23, 59)).should.eql({ action: "drop", reason: "daily-limit", until: at(0, 0, 6) });
    p.decide("echo", "n4", at(0, 0, 6)).action.should.equal("send");
    p.countToday(at(0, 0, 6)).should.equal(0);
  });

  it("has no cap when maxPerDay is 0 and refuses nonsense settings", function () {
    const p = policy({ maxPerDay: 0, cooldownSeconds: 0 });
    for (let i = 0; i < 50; i++) p.recordSent("echo", "x", at(9));
    p.decide("echo", "x", at(9)).action.should.equal("send");
    (() => policy({ maxPerDay: -1 })).should.throw(/maxPerDay/);
    (() => policy({ cooldownSeconds: -5 })).should.throw(/cooldown/);
  });

  it("survives a restart through a snapshot, but not into the next day", function () {
    const p = policy({ maxPerDay: 2 });
    p.recordSent("echo", "leak", at(10));
    p.recordSent("echo", "other", at(10, 1));
    const state = JSON.parse(JSON.stringify(p.snapshot()));
    const q = policy({ maxPerDay: 2 });
    q.restore(state, at(10, 2));
    q.decide("echo", "leak", at(10, 2)).reason.should.equal("cooldown");
    q.decide("echo", "new", at(10, 20)).reason.should.equal("daily-limit");
    const r = policy({ maxPerDay: 2 });
    r.restore(state, at(8, 0, 6));
    r.countToday(at(8, 0, 6)).should.equal(0);
    r.restore("junk", at(8, 0, 6));
    r.countToday(at(8, 0, 6)).should.equal(0);
  });

  it("forgets texts whose cooldown has passed", function () {
    const p = policy({ cooldownSeconds: 60 });
    for (let i = 0; i < 100; i++) p.recordSent("echo", `t${i}`, at(10, 0) + i * 1000);
    p.recordSent("echo", "last", at(11));
    Object.keys(p.snapshot().lastSpoken).should.have.length(1);
  });
});

describe("voicemonkey: held announcements", function () {
  it("keeps one per device and text, up to its capacity, and drains oldest first", function () {
    const held = new HeldAnnouncements(2);
    held.add("echo", "Leak", "m1", 1, 10).should.be.true();
    held.add("echo", " leak ", "m2", 2, 10).should.be.false();
    held.add("bedroom", "Leak", "m3", 3, 10).should.be.true();
    held.add("echo", "third", "m4", 4, 10).should.be.false();
    held.size.should.equal(2);
    held
      .drain()
      .map((h) => h.item)
      .should.eql(["m1", "m3"]);
    held.size.should.equal(0);
  });

  it("stores a held message as JSON a file context store can write, and reads back only well-formed entries", function () {
    const cyclic = { _msgid: "a1", topic: "leak", payload: "x" };
    cyclic.self = cyclic;
    storableMessage(cyclic).should.eql({ _msgid: "a1", topic: "leak" });
    const withHttp = { _msgid: "a2", payload: { n: 1 }, req: { socket: {} }, res: { end() {} }, when: new Date(0) };
    storableMessage(withHttp).should.eql({ _msgid: "a2", payload: { n: 1 }, when: "1970-01-01T00:00:00.000Z" });
    storableMessage({ _msgid: "a3", payload: "y".repeat(100_001) }).should.eql({ _msgid: "a3" });
    const saved = [
      { device: "echo", text: "later", heldAt: 20, until: 30, message: { _msgid: "b" } },
      { device: "echo", text: "first", heldAt: 10, until: 30, message: { _msgid: "a" } },
      { device: "echo", text: "no time", heldAt: "10", until: 30 },
      null,
      { text: "no device", heldAt: 10, until: 30 },
    ];
    storedHeld(saved, (m) => m._msgid)
      .map((e) => [e.text, e.item])
      .should.eql([
        ["first", "a"],
        ["later", "b"],
      ]);
    storedHeld("garbage", (m) => m).should.eql([]);
  });
});
