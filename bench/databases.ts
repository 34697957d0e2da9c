import postgres from 'postgres';

/**
 * A new, empty database on the DATABASE_URL server, so a bench never writes into (or reads the rows of)
 * the developer's own database. Dropped again by `drop`.
 */
export async function freshDatabaseUrl(baseUrl: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const dbName = `complaint_bench_${name}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${dbName}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  return {
    url: url.toString(),
    async drop() {
      const again = postgres(baseUrl, { max: 1, onnotice: () => {} });
      try {
        await again.unsafe(`drop database if exists ${dbName} with (force)`);
      } finally {
        await again.end({ timeout: 5 });
      }
    },
  };
}
