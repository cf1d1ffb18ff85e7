// The ceiling: a bare Fastify route, same framework version and body limit as the service, that only
// parses the identical body and returns {"cards":[]}. The service's throughput is reported as a ratio
// to this, measured in the same run on the same core.
import Fastify from 'fastify'

const port = Number(process.argv[2] ?? 0)
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })
app.post('/cds-services/:id', async () => ({ cards: [] }))
app.get('/health/live', async () => ({ status: 'ok' }))
await app.listen({ port, host: '127.0.0.1' })
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
