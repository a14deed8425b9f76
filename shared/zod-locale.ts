// zod's English locale: the messages users read when a plan, an input or a step's state is wrong.
// Imported by every module that defines a schema users meet, so the messages never depend on
// which module happened to load first.
import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';

z.config(en());
