import { stripControls } from '../../config/terminal-text.js';
import type { Forecast } from './client.js';
import type { Alert } from './schemas.js';

/*
 * NWS text is outside text: every field passes through stripControls on its way into a tool
 * result. One-line fields lose their line breaks too, so a CR or LF inside one cannot forge a
 * line such as "Severity: ..." below it; only the multi-paragraph texts keep newlines.
 */

/** Plain text a model (and a person) reads easily: one block per alert, blank lines between. */
export function formatAlerts(area: string, alerts: Alert[]): string {
  if (alerts.length === 0) return `No active weather alerts for ${area}.`;
  const blocks = alerts.map((a) =>
    [
      `Event: ${line(a.event)}`,
      `Area: ${line(a.areaDesc) ?? 'not given'}`,
      `Severity: ${line(a.severity) ?? 'Unknown'}`,
      `Headline: ${line(a.headline) ?? 'none'}`,
      `Description: ${oneParagraph(a.description) ?? 'none'}`,
      `Instruction: ${oneParagraph(a.instruction) ?? 'none'}`,
    ].join('\n'),
  );
  const count = alerts.length === 1 ? '1 active alert' : `${alerts.length} active alerts`;
  return `${count} for ${area}:\n\n${blocks.join('\n\n---\n\n')}`;
}

export function formatForecast(latitude: number, longitude: number, forecast: Forecast, count = 5): string {
  const place = line(forecast.place);
  const where = `${latitude}, ${longitude}${place ? ` (near ${place})` : ''}`;
  const periods = forecast.periods.slice(0, count);
  if (periods.length === 0) return `NWS has no forecast periods for ${where}.`;
  const lines = periods.map((p) => {
    const temperature = p.temperature != null ? `${p.temperature}°${line(p.temperatureUnit) ?? ''}` : 'temperature n/a';
    const windSpeed = line(p.windSpeed);
    const windDirection = line(p.windDirection);
    const wind = windSpeed ? `, wind ${windSpeed}${windDirection ? ` ${windDirection}` : ''}` : '';
    const rain = p.probabilityOfPrecipitation?.value != null ? `, ${p.probabilityOfPrecipitation.value}% chance of precipitation` : '';
    const text = line(p.detailedForecast) || line(p.shortForecast) || '';
    return `${line(p.name)}: ${temperature}${wind}${rain}.${text ? ` ${text}` : ''}`;
  });
  return `Forecast for ${where}:\n\n${lines.join('\n')}`;
}

/** A one-line field: controls and line breaks removed. */
function line(value: string): string;
function line(value: string | null | undefined): string | undefined;
function line(value: string | null | undefined): string | undefined {
  return value == null ? undefined : stripControls(value).trim();
}

/** NWS wraps alert text at ~70 columns; join the lines of each paragraph back together. */
function oneParagraph(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  return stripControls(value, { keepNewlines: true })
    .split(/\n\s*\n/)
    .map((para) => para.replace(/\s*\n\s*/g, ' ').trim())
    .join('\n');
}
