export type { TestDatabase, TestDatabaseKind } from './create-test-database';
export {
  createTestDatabase,
  createTestDatabaseOn,
  testDatabaseKinds,
  LOCAL_TEST_POSTGRES_URL,
} from './create-test-database';
