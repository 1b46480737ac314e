import { sqliteDatabase } from "../../helpers/databases";
import { reportsSuite } from "./reports-suite";

reportsSuite("sqlite", async () => sqliteDatabase());
