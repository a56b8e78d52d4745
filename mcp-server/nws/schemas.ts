import { z } from 'zod';

/** The parts of NWS responses Warden reads (https://www.weather.gov/documentation/services-web-api). */

const text = z.string().nullish();

export const alertsResponse = z.object({
  features: z.array(
    z.object({
      properties: z.object({
        event: z.string(),
        areaDesc: text,
        severity: text,
        headline: text,
        description: text,
        instruction: text,
      }),
    }),
  ),
});
export type Alert = z.output<typeof alertsResponse>['features'][number]['properties'];

export const pointResponse = z.object({
  properties: z.object({
    forecast: z.string().url().nullish(),
    relativeLocation: z.object({ properties: z.object({ city: z.string(), state: z.string() }) }).nullish(),
  }),
});

export const forecastResponse = z.object({
  properties: z.object({
    periods: z.array(
      z.object({
        name: z.string(),
        temperature: z.number().nullish(),
        temperatureUnit: text,
        windSpeed: text,
        windDirection: text,
        shortForecast: text,
        detailedForecast: text,
        probabilityOfPrecipitation: z.object({ value: z.number().nullish() }).nullish(),
      }),
    ),
  }),
});
export type ForecastPeriod = z.output<typeof forecastResponse>['properties']['periods'][number];

/** RFC 7807 problem details NWS sends with 4xx/5xx. */
export const problem = z.object({ title: z.string().optional(), detail: z.string().optional() });
