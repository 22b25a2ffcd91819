import { pino } from 'pino'

export type Logger = pino.Logger

/**
 * Structured logs. Redaction is a safety net, not the plan: callers log ids and codes,
 * never free text written by users (it may carry patient data), never secrets.
 */
export function createLogger(options: { level: string; pretty?: boolean }): Logger {
  return pino({
    level: options.level,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'secret',
        '*.secret',
        'cookie',
        '*.cookie',
        'headers.cookie',
        'headers.authorization',
        '*.authorization',
      ],
      censor: '[redacted]',
    },
    ...(options.pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } }
      : {}),
  })
}

export function createSilentLogger(): Logger {
  return pino({ level: 'silent' })
}
