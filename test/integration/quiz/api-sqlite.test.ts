import { apiSuite } from "./api-suite";
import { sqliteDatabase } from "../../helpers/databases";

apiSuite("sqlite", async () => sqliteDatabase());
