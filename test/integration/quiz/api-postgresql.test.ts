import { apiSuite } from "./api-suite";
import { postgresDatabase } from "../../helpers/databases";

apiSuite("postgresql", postgresDatabase);
