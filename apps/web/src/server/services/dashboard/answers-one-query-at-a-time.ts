/**
 * Whether the database behind `db` answers one query at a time: the embedded PGlite does (one
 * connection, queries queue behind each other), real Postgres does not. Asked once per client.
 */
import type { Db } from '@loupe/db';

const answers = new WeakMap<Db, Promise<boolean>>();

export function answersOneQueryAtATime(db: Db): Promise<boolean> {
  let answer = answers.get(db);
  if (!answer) {
    answer = db.$queryRaw<{ version: string }[]>`SELECT version() AS version`.then((rows) =>
      /PGlite/i.test(rows[0]?.version ?? ''),
    );
    // A failed probe is not remembered, so the next load asks again.
    answer.catch(() => answers.delete(db));
    answers.set(db, answer);
  }
  return answer;
}
