// Loaded by mocha before every test file (see .mocharc.json).
"use strict";
require("should");
