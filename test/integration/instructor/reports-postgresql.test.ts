import { postgresDatabase } from "../quiz/databases";
import { reportsSuite } from "./reports-suite";

reportsSuite("postgresql", postgresDatabase);
