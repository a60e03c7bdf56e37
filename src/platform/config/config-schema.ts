/**
 * Every setting Emporium reads, with its environment variable, default and meaning, gathered
 * from one module per area in the order the README table and `.env.example` show them: they are
 * written from this catalogue; keep the three in step.
 */
import { accessSettings } from './config-schema-access.js';
import { deploymentSettings } from './config-schema-deployment.js';
import { processSettings } from './config-schema-process.js';
import { shopSettings } from './config-schema-shop.js';
import type { Setting } from './setting-parsers.js';

export type { Setting };

export const configSchema = {
  ...processSettings,
  ...accessSettings,
  ...shopSettings,
  ...deploymentSettings,
};

export type ConfigSchema = typeof configSchema;
export type Config = {
  [K in keyof ConfigSchema]: ConfigSchema[K] extends Setting<infer T>
    ? ConfigSchema[K]['default'] extends undefined
      ? T | undefined
      : T
    : never;
};
