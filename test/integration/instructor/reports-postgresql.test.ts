import { postgresDatabase } from "../../helpers/databases";
import { reportsSuite } from "./reports-suite";

reportsSuite("postgresql", postgresDatabase);
