import type { AppModule } from '../app-module';
import { authRoutes } from './auth.routes';
import type { AuthService } from './auth.service';

/** Sign-in and sign-out. */
export function authModule(auth: AuthService): AppModule {
  return { name: 'auth', routes: (api) => [authRoutes(api, auth)] };
}
