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
    } else if (request.op === 'exec') {
      await db.exec(request.sql);
      parentPort.postMessage({ id: request.id, rows: [] });
    } else if (request.op === 'close') {
      await db.close();
      parentPort.postMessage({ id: request.id, rows: [] });
    }
  } catch (error) {
    parentPort.postMessage({ id: request.id, error: { message: error.message, code: error.code } });
  }
});
