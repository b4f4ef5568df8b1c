import { createContext, useContext } from 'react';
import type { Me } from './api-types';

export interface Session {
  me: Me;
  /** Whether the key holds every permission named. */
  can: (...permissions: string[]) => boolean;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function sessionFor(me: Me, signOut: () => void): Session {
  const granted = new Set(me.permissions);
  return { me, can: (...permissions) => permissions.every((p) => granted.has(p)), signOut };
}

/** The signed-in user's session; only rendered inside the signed-in shell. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in shell');
  return session;
}
