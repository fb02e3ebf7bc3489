/** Entry point of the `payi` provider plugin (bundled by scripts/plugins.sh). */
import { PROVIDER_VERSION_STRING } from "./version.js";
import { main } from "./main.js";
import { payiPackage } from "./packages.js";

main((schema) => payiPackage(PROVIDER_VERSION_STRING, schema));
