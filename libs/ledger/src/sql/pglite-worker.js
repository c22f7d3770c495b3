// Runs PGlite in a worker thread so that ledger writes never block the
// event loop that answers inquiries. Plain JavaScript: workers load it as is.
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require('@electric-sql/pglite');

const db = new PGlite(workerData.dataDir);

parentPort.on('message', async (request) => {
  try {
    await db.waitReady;
    if (request.op === 'query') {
      const result = await db.query(request.sql, request.params);
      parentPort.postMessage({ id: request.id, rows: result.rows });
    } else if (request.op === 'copy') {
      // A COPY of the transferred bytes (read by the server as the file /dev/blob), then the statements that go with
      // it, in one transaction: all of it is stored, or none of it.
      const rows = await db.transaction(async (tx) => {
        await tx.query(request.copy, [], { blob: new Blob([new Uint8Array(request.bytes, 0, request.length)]) });
        let last = [];
        for (const statement of request.then) last = (await tx.query(statement.sql, statement.params)).rows;
        return last;
      });
      parentPort.postMessage({ id: request.id, rows });
    } else if (request.op === 'exec') {
      await db.exec(request.sql);
      parentPort.postMessage({ id: request.id, rows: [] });
    } else if (request.op === 'dump') {
      // A checkpoint first, so that a restore replays little WAL. dumpDataDir holds PGlite's query lock while it
      // copies the files: no statement runs during the copy, so it is the state after the last committed one.
      await db.exec('CHECKPOINT');
      const archive = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
      const bytes = archive.buffer.slice(archive.byteOffset, archive.byteOffset + archive.byteLength);
      parentPort.postMessage({ id: request.id, rows: [], archive: bytes }, [bytes]);
    } else if (request.op === 'close') {
      await db.close();
      parentPort.postMessage({ id: request.id, rows: [] });
    }
  } catch (error) {
    parentPort.postMessage({ id: request.id, error: { message: error.message, code: error.code } });
  }
});
