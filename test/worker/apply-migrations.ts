// Applies the D1 migrations to every test database (DB and the data databases) before each test file.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { tenantDataDatabases } from "../../worker/domain/databases.ts";

for (const { db } of tenantDataDatabases(env)) await applyD1Migrations(db, env.TEST_MIGRATIONS);
