/**
 * Starts a private Chanjiao server for the suite and returns its teardown.
 *
 * 1. fresh temporary data dir (embedded SQLite), or PostgreSQL when E2E_DATABASE_URL is set
 *    (that database must be empty and throwaway: the suite locks out accounts in it);
 * 2. `chanjiao demo` (demo programme and accounts) and `chanjiao admin create-user` for the
 *    suite's own accounts (password on stdin);
 * 3. `chanjiao serve --addr 127.0.0.1:PORT`, waiting for GET /healthz = 200;
 * 4. the returned teardown (also run by Playwright when tests fail) stops the server and
 *    removes the data dir; a process 'exit' hook does both if the teardown never runs.
 *
 * The base URL reaches the workers through process.env.E2E_BASE_URL (they are started after
 * the global setup and inherit its environment).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { E2E_DIR, EXTRA_USERS, PASSWORD, PREFERRED_PORT, REPO_DIR } from './support/env'

const BIN = process.env.CHANJIAO_BIN
  ? path.resolve(process.env.CHANJIAO_BIN)
  : path.join(process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(REPO_DIR, 'target'), 'debug', 'chanjiao')
const DATABASE_URL = process.env.E2E_DATABASE_URL?.trim() || ''
const LOG_DIR = path.join(E2E_DIR, 'logs')

/** The environment for the binary: no CHANJIAO_* settings leaking in from the caller. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHANJIAO_LOG: process.env.CHANJIAO_LOG || 'info,sqlx=warn' }
  for (const k of Object.keys(env)) {
    if (k === 'CHANJIAO_DATA_DIR' || k.startsWith('CHANJIAO__')) delete env[k]
  }
  return env
}

function globalArgs(dataDir: string): string[] {
  const a = ['--data-dir', dataDir]
  if (DATABASE_URL) a.push('--database-url', DATABASE_URL)
  return a
}

function cli(dataDir: string, args: string[], input?: string): string {
  const r = spawnSync(BIN, [...globalArgs(dataDir), ...args], {
    cwd: dataDir,
    env: childEnv(),
    input,
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (r.error) throw new Error(`chanjiao ${args.join(' ')}: ${r.error.message}`)
  if (r.status !== 0) {
    throw new Error(`chanjiao ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`)
  }
  return r.stdout
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

async function waitHealthy(url: string, server: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`chanjiao serve exited early (${server.exitCode ?? server.signalCode}):\n${tail(logFile)}`)
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) return
      last = `status ${res.status}`
    } catch (e) {
      last = String(e)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`server not healthy after ${timeoutMs} ms (${last}):\n${tail(logFile)}`)
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no server log)'
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!fs.existsSync(BIN)) {
    throw new Error(`chanjiao binary not found at ${BIN}: run \`cargo build -p chanjiao\` or set CHANJIAO_BIN`)
  }
  if (!process.env.CHANJIAO_BIN && !fs.existsSync(path.join(REPO_DIR, 'web', 'dist', 'index.html'))) {
    // Debug builds serve web/dist from disk at runtime.
    throw new Error('web/dist is missing: run `npm --prefix web ci && npm --prefix web run build`')
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chanjiao-e2e-'))
  let server: ChildProcess | null = null
  const killNow = () => {
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL')
  }
  // Last resort when the teardown is skipped (e.g. Playwright's globalTimeout): kill the
  // server and remove the data dir as the runner exits.
  const onExit = () => {
    killNow()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  process.on('exit', onExit)

  const teardown = async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise<void>((r) => server!.once('exit', () => r()))
      server.kill('SIGTERM')
      const timer = setTimeout(killNow, 5000)
      await exited
      clearTimeout(timer)
    }
    process.off('exit', onExit)
    fs.rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    cli(dataDir, ['demo'])
    for (const u of EXTRA_USERS) {
      try {
        cli(dataDir, ['admin', 'create-user', '--login', u.login, '--name', u.name, '--role', u.role, '--org', u.org, '--password-stdin'], `${PASSWORD}\n`)
      } catch (e) {
        // A reused PostgreSQL database already has it (same password); anything else is fatal.
        if (!(DATABASE_URL && /is taken/.test(String(e)))) throw e
      }
    }

    const port = (await portFree(PREFERRED_PORT)) ? PREFERRED_PORT : await anyFreePort()
    const url = `http://127.0.0.1:${port}`
    fs.mkdirSync(LOG_DIR, { recursive: true })
    const logFile = path.join(LOG_DIR, 'server.log')
    const log = fs.openSync(logFile, 'w')
    server = spawn(BIN, [...globalArgs(dataDir), 'serve', '--addr', `127.0.0.1:${port}`], {
      // Debug builds read web/dist relative to the repository.
      cwd: REPO_DIR,
      env: childEnv(),
      stdio: ['ignore', log, log],
    })
    fs.closeSync(log)
    await waitHealthy(url, server, logFile, 30_000)

    process.env.E2E_BASE_URL = url
    console.log(`[e2e] chanjiao at ${url} (${DATABASE_URL ? 'PostgreSQL' : 'SQLite'}; data ${dataDir}; log ${path.relative(process.cwd(), logFile)})`)
  } catch (e) {
    await teardown()
    throw e
  }
  return teardown
}
