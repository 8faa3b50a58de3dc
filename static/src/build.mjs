// Builds static/build/ from npm packages: compiled CSS, govuk-frontend's JS and images.
// Run by `make assets`; static/build/ is not committed.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "static", "build");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

mkdirSync(out, { recursive: true });
const result = sass.compile(join(root, "static", "src", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "slash-div", "if-function"],
});
writeFileSync(join(out, "app.css"), result.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(root, "static", "src", "init.mjs"), join(out, "init.mjs"));
cpSync(join(govuk, "assets", "images"), join(out, "assets", "images"), { recursive: true });
console.log("assets built in static/build");
