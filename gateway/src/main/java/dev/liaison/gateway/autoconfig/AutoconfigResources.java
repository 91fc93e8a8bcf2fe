package dev.liaison.gateway.autoconfig;

import dev.liaison.gateway.transport.receive.HttpResource;
import dev.liaison.gateway.transport.receive.ResourceReply;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Mail client autoconfiguration on the gateway's HTTPS listener: Thunderbird's document at both
 * paths Thunderbird tries, and an Apple profile per address. A client finds these only where it
 * looks (port 443 of {@code autoconfig.<domain>} or of the domain): docs/operations.md says how to
 * put them there.
 */
public final class AutoconfigResources {

    public static final String THUNDERBIRD_WELL_KNOWN = "/.well-known/autoconfig/mail/config-v1.1.xml";
    public static final String THUNDERBIRD = "/mail/config-v1.1.xml";
    public static final String APPLE = "/mail/apple.mobileconfig";
    static final String ADDRESS_PARAMETER = "emailaddress";

    private AutoconfigResources() {
    }

    /** @param servers asked per request: the ports are known only once every listener is bound */
    public static Map<String, HttpResource> of(Supplier<MailServers> servers) {
        HttpResource thunderbird = request -> ResourceReply.ok("text/xml; charset=utf-8",
                ThunderbirdConfig.render(servers.get())).withHeader("Cache-Control", "max-age=3600");
        return Map.of(THUNDERBIRD_WELL_KNOWN, thunderbird, THUNDERBIRD, thunderbird, APPLE, request -> {
            MailServers current = servers.get();
            MailAddress address;
            try {
                address = MailAddress.parse(request.parameter(ADDRESS_PARAMETER).orElse(""), current.domain());
            } catch (IllegalArgumentException e) {
                return ResourceReply.text(400, "give emailaddress=<login>@" + current.domain() + ": " + e.getMessage());
            }
            return ResourceReply.ok("application/x-apple-aspen-config", AppleProfile.render(current, address))
                    .withHeader("Content-Disposition", "attachment; filename=\"liaison.mobileconfig\"")
                    .withHeader("Cache-Control", "no-store");
        });
    }
}
