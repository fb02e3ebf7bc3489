/** Entry point of the `limitry` provider plugin (bundled by scripts/plugins.sh). */
import { PROVIDER_VERSION_STRING } from "./version.js";
import { main } from "./main.js";
import { limitryPackage } from "./packages.js";

main((schema) => limitryPackage(PROVIDER_VERSION_STRING, schema));
