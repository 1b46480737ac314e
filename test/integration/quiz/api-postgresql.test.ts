import { apiSuite } from "./api-suite";
import { postgresDatabase } from "./databases";

apiSuite("postgresql", postgresDatabase);
