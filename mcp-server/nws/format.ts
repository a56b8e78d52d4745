import type { Forecast } from './client.js';
import type { Alert } from './schemas.js';

/** Plain text a model (and a person) reads easily: one block per alert, blank lines between. */
export function formatAlerts(area: string, alerts: Alert[]): string {
  if (alerts.length === 0) return `No active weather alerts for ${area}.`;
  const blocks = alerts.map((a) =>
    [
      `Event: ${a.event}`,
      `Area: ${a.areaDesc ?? 'not given'}`,
      `Severity: ${a.severity ?? 'Unknown'}`,
      `Headline: ${a.headline ?? 'none'}`,
      `Description: ${oneParagraph(a.description) ?? 'none'}`,
      `Instruction: ${oneParagraph(a.instruction) ?? 'none'}`,
    ].join('\n'),
  );
  const count = alerts.length === 1 ? '1 active alert' : `${alerts.length} active alerts`;
  return `${count} for ${area}:\n\n${blocks.join('\n\n---\n\n')}`;
}

export function formatForecast(latitude: number, longitude: number, forecast: Forecast, count = 5): string {
  const where = `${latitude}, ${longitude}${forecast.place ? ` (near ${forecast.place})` : ''}`;
  const periods = forecast.periods.slice(0, count);
  if (periods.length === 0) return `NWS has no forecast periods for ${where}.`;
  const lines = periods.map((p) => {
    const temperature = p.temperature != null ? `${p.temperature}°${p.temperatureUnit ?? ''}` : 'temperature n/a';
    const wind = p.windSpeed ? `, wind ${p.windSpeed}${p.windDirection ? ` ${p.windDirection}` : ''}` : '';
    const rain = p.probabilityOfPrecipitation?.value != null ? `, ${p.probabilityOfPrecipitation.value}% chance of precipitation` : '';
    const text = p.detailedForecast || p.shortForecast || '';
    return `${p.name}: ${temperature}${wind}${rain}.${text ? ` ${text}` : ''}`;
  });
  return `Forecast for ${where}:\n\n${lines.join('\n')}`;
}

/** NWS wraps alert text at ~70 columns; join the lines of each paragraph back together. */
function oneParagraph(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  return value
    .split(/\n\s*\n/)
    .map((para) => para.replace(/\s*\n\s*/g, ' ').trim())
    .join('\n');
}
