import * as core from "@actions/core";
import { hello } from "@mlgate/core";
core.info(hello("x"));
