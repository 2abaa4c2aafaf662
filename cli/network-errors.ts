/**
 * What a failed connection to the provider means, by the name the socket or TLS layer gave it
 * (`upstream.networkError` of a token record; lambda/core/network-error.ts): the cause in words, the
 * setting to check, and what it rests on. Pure: no I/O.
 */

export interface NetworkCause {
  /** What happened, completing "the connection to HOST …". */
  what: string;
  fix: string;
  basis: string;
}

const TLS_BASIS = 'Alexa Account Linking Debugging Tips: "the account linking URL must be a HTTPS URL, with a certificate from an Amazon approved CA authority"; RFC 6749 §3.2 (TLS)';
const NET_BASIS = 'Alexa Account Linking Debugging Tips: "Check your authorization server for logs"';

const CERTIFICATE_FIX =
  'The token endpoint must present a certificate from a public certificate authority, valid today, issued for the host name in tokenUrl, with its intermediate certificates: fix it at the provider (or its load balancer). A private or self-signed CA is not trusted by Lambda.';

const refused: NetworkCause = {
  what: 'was refused: nothing accepts connections on that host and port (the provider is down, or tokenUrl names the wrong port or scheme)',
  fix: 'Check the scheme and port in tokenUrl against the provider\'s documented token endpoint, and that the provider\'s server is running and listening there.',
  basis: NET_BASIS,
};
const reset: NetworkCause = {
  what: 'was closed by the other side before an answer came (connection reset)',
  fix: 'Look at the provider\'s logs (or its load balancer\'s or firewall\'s) at the time shown: a firewall or WAF dropping requests from AWS address ranges, a TLS version it refuses, or a crash mid-request.',
  basis: NET_BASIS,
};
const unresolved: NetworkCause = {
  what: 'could not be made: the host name does not resolve (DNS)',
  fix: 'Check the host name in tokenUrl for a typo; a name only your own network resolves (a private DNS zone, an intranet host) cannot be resolved from Lambda unless the function runs in that network.',
  basis: NET_BASIS,
};
const unreachable: NetworkCause = {
  what: 'could not be made in time: no route to the host, or a firewall silently drops the connection',
  fix: 'Check that the provider accepts connections from the internet (AWS address ranges), and if the function runs in a VPC, that the VPC has a NAT gateway or an endpoint to reach it.',
  basis: NET_BASIS,
};
const untrusted = (why: string): NetworkCause => ({ what: `was not trusted: the provider's TLS certificate ${why}`, fix: CERTIFICATE_FIX, basis: TLS_BASIS });

/** Node's and undici's names for the failures a token endpoint meets (node:net, node:dns, node:tls, OpenSSL). */
const CAUSES: Readonly<Record<string, NetworkCause>> = {
  ECONNREFUSED: refused,
  ECONNRESET: reset,
  EPIPE: reset,
  UND_ERR_SOCKET: reset,
  UND_ERR_CLOSED: reset,
  ENOTFOUND: unresolved,
  EAI_AGAIN: { ...unresolved, what: 'could not be made: the host name could not be resolved just then (DNS temporarily failed)' },
  ETIMEDOUT: unreachable,
  UND_ERR_CONNECT_TIMEOUT: unreachable,
  EHOSTUNREACH: unreachable,
  ENETUNREACH: unreachable,
  CERT_HAS_EXPIRED: untrusted('has expired'),
  CERT_NOT_YET_VALID: untrusted('is not valid yet'),
  DEPTH_ZERO_SELF_SIGNED_CERT: untrusted('is self-signed'),
  SELF_SIGNED_CERT_IN_CHAIN: untrusted('chains to a self-signed (private) certificate authority'),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: untrusted('is issued by a certificate authority Lambda does not trust (or the intermediate certificate is missing)'),
  UNABLE_TO_GET_ISSUER_CERT: untrusted('is issued by a certificate authority Lambda does not trust (or the intermediate certificate is missing)'),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: untrusted('comes without its intermediate certificate, so its chain cannot be verified'),
  ERR_TLS_CERT_ALTNAME_INVALID: untrusted('is issued for another host name than the one in tokenUrl'),
  CERT_REVOKED: untrusted('has been revoked'),
  EPROTO: {
    what: 'failed in the TLS handshake (no TLS protocol version or cipher in common, or the port does not speak TLS)',
    fix: 'Check that tokenUrl\'s scheme matches the port (https to a plain-HTTP port fails this way), and that the provider supports TLS 1.2 or later.',
    basis: TLS_BASIS,
  },
  ERR_SSL_WRONG_VERSION_NUMBER: {
    what: 'failed in the TLS handshake: the port answered something that is not TLS (https:// to a plain-HTTP port)',
    fix: 'Use the scheme the port speaks in tokenUrl: the provider\'s documented https:// token endpoint on its TLS port.',
    basis: TLS_BASIS,
  },
};

/** The cause of a network error by its name; a generic one for a name not listed (still named in the text). */
export function networkCause(name: string | undefined): NetworkCause & { known: boolean } {
  const known = name !== undefined && Object.hasOwn(CAUSES, name) ? CAUSES[name] : undefined;
  if (known) return { ...known, known: true };
  return {
    what: `failed (${name ?? 'no error name recorded'})`,
    fix: 'Check tokenUrl (host, port, https) against the provider\'s documented token endpoint, and that the provider is up and reachable from the function\'s network; `npx alexa-link-adapter doctor` probes it.',
    basis: NET_BASIS,
    known: false,
  };
}
