import type { Core } from '../container';
import type { AppModule } from './app-module';
import { mailModule } from '../mail/mail.module';
import { coreModule } from './core/core.module';

/**
 * Every domain module, in the order their observers run. Each channel and domain adds itself here
 * with one line.
 */
export function buildModules(core: Core): AppModule[] {
  return [
    coreModule(core),
    mailModule(core.templates, core.mailer),
  ];
}
