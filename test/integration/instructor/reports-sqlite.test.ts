import { sqliteDatabase } from "../quiz/databases";
import { reportsSuite } from "./reports-suite";

reportsSuite("sqlite", async () => sqliteDatabase());
