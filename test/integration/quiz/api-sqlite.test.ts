import { apiSuite } from "./api-suite";
import { sqliteDatabase } from "./databases";

apiSuite("sqlite", async () => sqliteDatabase());
