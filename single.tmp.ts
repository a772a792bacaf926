import autocannon from 'autocannon';
import { readFileSync, readdirSync } from 'node:fs';
import { benchServer, signup } from './bench/support.ts';
const ticks = (pid: number | string) => { try { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return process.env.SYS ? Number(f[12]) : Number(f[11]) + Number(f[12]); } catch { return 0; } };
const pgTicks = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).reduce((a, d) => { try { return readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres') ? a + ticks(d) : a; } catch { return a; } }, 0);
const server = await benchServer('postgres', JSON.parse(process.env.EXTRA_ENV ?? '{}'));
const metric = async (name: string) => (await (await fetch(server.url + '/metrics')).text()).split('\n').filter((l) => l.startsWith(name)).join(' | ');
try {
  const { token } = await signup(server.url);
  const orders = 2500 * 15;
  const day = new Date(Date.now() - 86_400_000).toISOString();
  for (let start = 0; start < orders; start += 5000) {
    const lines = [];
    for (let i = start; i < Math.min(orders, start + 5000); i++) lines.push(JSON.stringify({ orderNumber: `S-${i}`, orderDate: day, lensType: 'single_vision', lensMaterial: 'cr39', coating: 'none', rx: { od: { sphere: -1 }, os: { sphere: -1.25 }, pd: 62 } }));
    const res = await fetch(server.url + '/api/import/orders', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: lines.join('\n') });
    if (res.status !== 200) throw new Error(await res.text());
  }
  await metric('nodejs_eventloop_lag_max');
  const s0 = ticks(server.child.pid!), p0 = pgTicks(), c0 = process.cpuUsage(), t0 = Date.now();
  let next = 0;
  const result = await autocannon({ url: `${server.url}/api/scans`, connections: 50, duration: 15, requests: [{ method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, setupRequest: (req: any) => ({ ...req, body: JSON.stringify({ order: `S-${next++ % orders}`, station: 'surfacing', event: 'in' }) }) }] });
  const secs = (Date.now() - t0) / 1000, c1 = process.cpuUsage(c0);
  console.log(JSON.stringify({ serverCores: ((ticks(server.child.pid!) - s0) / 100 / secs).toFixed(2), pgCores: ((pgTicks() - p0) / 100 / secs).toFixed(2), loadgenCores: ((c1.user + c1.system) / 1e6 / secs).toFixed(2), requests: result.requests.total }));
  console.log(JSON.stringify({ rps: Math.round(result.requests.average), p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, errors: result.non2xx + result.errors }));
  console.log(await metric('nodejs_eventloop_lag_'));
  console.log(await metric('nodejs_gc_duration_seconds_sum'));
} finally {
  await server.dispose();
}
