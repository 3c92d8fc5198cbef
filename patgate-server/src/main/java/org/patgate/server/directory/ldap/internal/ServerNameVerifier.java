package org.patgate.server.directory.ldap.internal;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.util.ssl.SSLSocketVerifier;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * Checks after the TLS handshake that the server certificate names the host PATgate connected to
 * (RFC 6125: DNS names with a wildcard only as the whole left-most label, IP addresses exactly; the
 * subject CN only when the certificate has no subject alternative names). Unlike the SDK's own
 * verifier it makes no exception for loopback addresses. Stateless and thread-safe.
 */
final class ServerNameVerifier extends SSLSocketVerifier {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    @Override
    public void verifySSLSocket(String host, int port, SSLSocket socket) throws LDAPException {
        Certificate[] chain;
        try {
            chain = socket.getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new LDAPException(ResultCode.CONNECT_ERROR, "TLS peer of " + host + ":" + port + " is unverified", e);
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate) || !names(certificate, host)) {
            throw new LDAPException(
                    ResultCode.CONNECT_ERROR,
                    "the TLS certificate of " + host + ":" + port + " does not name " + host
                            + " (host name verification failed)");
        }
    }

    static boolean names(X509Certificate certificate, String host) {
        Collection<List<?>> alternatives;
        try {
            alternatives = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        boolean literal = isIpLiteral(host);
        if (alternatives == null || alternatives.isEmpty()) {
            return !literal
                    && commonName(certificate).map(cn -> dnsMatches(cn, host)).orElse(false);
        }
        for (List<?> alternative : alternatives) {
            int type = (Integer) alternative.get(0);
            String value = String.valueOf(alternative.get(1));
            if (literal && type == SAN_IP && sameAddress(value, host)) {
                return true;
            }
            if (!literal && type == SAN_DNS && dnsMatches(value, host)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatches(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && p.substring(1).equals(h.substring(dot)) && p.indexOf('.', 2) > 0;
        }
        return p.equals(h);
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    private static boolean sameAddress(String a, String b) {
        try {
            // Both are literals here, so no name lookup happens.
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Optional<String> commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
