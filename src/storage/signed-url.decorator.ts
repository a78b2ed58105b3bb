import { SetMetadata } from '@nestjs/common';

export const ALLOW_SIGNED_URL = 'auth:signed-url';

/** The route also opens to a request carrying a valid `expires` + `signature` for its exact path. */
export const AllowSignedUrl = () => SetMetadata(ALLOW_SIGNED_URL, true);
