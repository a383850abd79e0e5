// Lint rules for the TypeScript sources, the JavaScript tests and scripts, and the editor's JavaScript
// (resources/*.js and the registerType script inside each nodes/<type>.html).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Lints the <script type="text/javascript"> blocks of an editor file where they are. Node-RED and
 * node-red-dev read the registerType call from that inline block, so it stays there; everything else of
 * the file is blanked to spaces, keeping every offset, so lines, columns and fixes land in the HTML.
 */
const editorHtml = {
  meta: { name: "meterflow-editor-html" },
  processors: {
    scripts: {
      supportsAutofix: true,
      preprocess(text) {
        const out = text.replace(/[^\n]/g, " ").split("");
        for (const m of text.matchAll(/(<script type="text\/javascript">)([\s\S]*?)<\/script>/g)) {
          const start = m.index + m[1].length;
          for (let i = 0; i < m[2].length; i++) out[start + i] = m[2][i];
        }
        return [{ text: out.join(""), filename: "editor.js" }];
      },
      postprocess(messages) {
        return messages.flat();
      },
    },
  },
};

const EDITOR_GLOBALS = { RED: "readonly", $: "readonly", window: "readonly", document: "readonly" };

export default tseslint.config(
  { ignores: ["dist/", "build/", "node_modules/", ".demo/", ".tools/", "coverage/", "nodes/locales/"] },
  js.configs.recommended,
  {
    files: ["nodes/*.html"],
    plugins: { "meterflow-editor": editorHtml },
    processor: "meterflow-editor/scripts",
  },
  {
    // Runs in the editor page: a browser script, not a CommonJS module.
    files: ["nodes/*.html/*.js", "resources/**/*.js"],
    languageOptions: { sourceType: "script", ecmaVersion: 2022, globals: EDITOR_GLOBALS },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["src/**/*.ts", "devtools/**/*.ts"],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An async function passed where Node-RED expects a callback is how rejections escape to crash the runtime.
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // Functions handed to page.evaluate() run in the editor page, where window and RED exist.
    files: ["test/editor/**/*.js"],
    languageOptions: { globals: { window: "readonly", RED: "readonly", document: "readonly" } },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    ignores: ["nodes/**", "resources/**"],
    languageOptions: {
      sourceType: "commonjs",
      ecmaVersion: 2022,
      globals: {
        require: "readonly",
        module: "writable",
        exports: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        __filename: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        URL: "readonly",
        URLSearchParams: "readonly",
        AbortController: "readonly",
        fetch: "readonly",
        describe: "readonly",
        it: "readonly",
        before: "readonly",
        after: "readonly",
        beforeEach: "readonly",
        afterEach: "readonly",
        globalThis: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        performance: "readonly",
        queueMicrotask: "readonly",
        structuredClone: "readonly",
      },
    },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
);
