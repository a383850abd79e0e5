"use strict";
// The layout rules of DESIGN.md, held by a test: imports point down only, Node-RED is imported only
// by src/runtime, a node file is a short declaration, and nothing shipped imports the tooling.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const src = path.join(root, "src");
const NODE_FILE_MAX_LINES = 120;

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith(".ts")) out.push(full);
  }
  return out;
}

/** Every module a file imports or re-exports, resolved to a path relative to the repo (or a package name). */
function importsOf(file) {
  const text = fs.readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/g)].map((m) => m[1]);
  specs.push(...[...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
  return specs.map((spec) =>
    spec.startsWith(".") ? path.relative(root, path.resolve(path.dirname(file), spec)) : `package:${spec}`,
  );
}

/**
 * The layers, top first. A file may import its own layer and the layers below it; the features are
 * separate slices that meet only through src/shared (and the runtime, for node files).
 */
function layerOf(relPath) {
  if (/^src\/features\/[^/]+\/[^/]+\.node\.ts$/.test(relPath)) return { rank: 3, name: "node file" };
  if (relPath.startsWith("src/runtime/")) return { rank: 2, name: "runtime" };
  if (relPath.startsWith("src/features/")) return { rank: 1, name: "feature", slice: relPath.split("/")[2] };
  if (relPath.startsWith("src/shared/")) return { rank: 0, name: "shared" };
  return { rank: -1, name: "elsewhere" };
}

const files = sourceFiles(src).map((f) => ({ file: f, rel: path.relative(root, f) }));

describe("architecture: the layout rules", function () {
  it("imports Node-RED only in src/runtime", function () {
    const offenders = files
      .filter(({ rel }) => !rel.startsWith("src/runtime/"))
      .flatMap(({ file, rel }) =>
        importsOf(file)
          .filter((i) => /^package:(node-red|@node-red\/)/.test(i) || i === "package:express")
          .map((i) => `${rel} imports ${i.slice(8)}`),
      );
    offenders.should.eql([]);
  });

  it("points imports down only: node files → runtime → features → shared, one feature slice not into another", function () {
    const offenders = [];
    for (const { file, rel } of files) {
      const from = layerOf(rel);
      for (const target of importsOf(file)) {
        // package.json is read for the version in the User-Agent; it ships with the package.
        if (target.startsWith("package:") || target === "package.json") continue;
        const to = layerOf(target.endsWith(".ts") ? target : `${target}.ts`);
        if (to.rank > from.rank) offenders.push(`${rel} (${from.name}) imports ${target} (${to.name})`);
        else if (from.slice && to.slice && from.slice !== to.slice)
          offenders.push(`${rel} imports another feature: ${target}`);
        else if (to.rank < 0) offenders.push(`${rel} imports ${target}, outside src/`);
      }
    }
    offenders.should.eql([]);
  });

  it(`keeps every node file a declaration of at most ${NODE_FILE_MAX_LINES} lines`, function () {
    const nodeFiles = files.filter(({ rel }) => rel.endsWith(".node.ts"));
    nodeFiles.length.should.be.above(7);
    const tooLong = nodeFiles
      .map(({ file, rel }) => ({ rel, lines: fs.readFileSync(file, "utf8").split("\n").length - 1 }))
      .filter(({ lines }) => lines > NODE_FILE_MAX_LINES)
      .map(({ rel, lines }) => `${rel}: ${lines} lines`);
    tooLong.should.eql([]);
  });

  it("has nothing in src/ that imports devtools/, test/ or bench/", function () {
    const offenders = files.flatMap(({ file, rel }) =>
      importsOf(file)
        .filter((i) => /^(devtools|test|bench)\//.test(i))
        .map((i) => `${rel} imports ${i}`),
    );
    offenders.should.eql([]);
  });

  it("defines every node on the kernel (defineNode), not with registerType of its own", function () {
    const offenders = files
      .filter(({ rel }) => rel.endsWith(".node.ts"))
      .filter(({ file }) => {
        const text = fs.readFileSync(file, "utf8");
        return !/\bdefineNode[<(]/.test(text) || text.includes("registerType(");
      })
      .map(({ rel }) => rel);
    offenders.should.eql([]);
  });
});
