import type { AccountSummary } from './types.js';

/** `dev@warden.example (Dev User)` */
export function describeAccount(account: AccountSummary): string {
  return account.name && account.name !== account.username ? `${account.username} (${account.name})` : account.username;
}

/** `in 59 min`, `in 2 h 5 min`, `3 min ago`. */
export function relativeTime(target: Date, now: number): string {
  const deltaMs = target.getTime() - now;
  const minutes = Math.round(Math.abs(deltaMs) / 60_000);
  let span: string;
  if (minutes < 1) span = `${Math.max(0, Math.round(Math.abs(deltaMs) / 1000))} s`;
  else if (minutes < 60) span = `${minutes} min`;
  else if (minutes < 48 * 60) span = `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  else span = `${Math.round(minutes / (24 * 60))} days`;
  return deltaMs >= 0 ? `in ${span}` : `${span} ago`;
}

/** Local wall-clock time with its UTC offset, e.g. `2026-11-18 10:15:00 +01:00`. */
export function localTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** `2026-11-18 10:15:00 +01:00 (in 59 min)` */
export function describeExpiry(date: Date, now: number): string {
  return `${localTime(date)} (${relativeTime(date, now)})`;
}
