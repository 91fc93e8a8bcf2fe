package dev.liaison.imap.store;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Parameters as the header writes them; {@code BodyStructureTest} sees them over IMAP. */
class MimeParametersTest {

    @Test
    void valuesStayAsWrittenWithTheirQuotingUndone() {
        assertEquals(Map.of("filename", "=?utf-8?B?UHLDpHNlbnRhdGlvbi5wZGY=?="),
                MimeParameters.of("attachment; filename=\"=?utf-8?B?UHLDpHNlbnRhdGlvbi5wZGY=?=\""));
        assertEquals(Map.of("name", "a \"b\".pdf", "charset", "UTF-8"),
                MimeParameters.of("text/plain; Name=\"a \\\"b\\\".pdf\";\r\n CHARSET=UTF-8"), "folded, names lowered");
        assertEquals(Map.of("filename", "Gr\u00c3\u00bc\u00c3\u009fe.pdf"),
                MimeParameters.of("attachment; filename=\"Gr\u00c3\u00bc\u00c3\u009fe.pdf\""),
                "raw UTF-8 octets, one char per octet, as they came");
        assertEquals(Map.of("filename", "a"), MimeParameters.of("attachment; size; filename=a; filename=b"),
                "a name without a value is left out; the first of two wins");
        assertEquals(Map.of(), MimeParameters.of("inline"));
    }

    @Test
    void continuationsAreJoinedAsDovecotJoinsThem() {
        assertEquals(Map.of("filename*", "UTF-8''%C3%BCbersicht%20%E6%97%A5%E6%9C%AC.pdf"),
                MimeParameters.of("attachment; filename*1*=%E6%97%A5%E6%9C%AC.pdf; filename*0*=UTF-8''%C3%BCbersicht%20"),
                "in the order of their numbers");
        assertEquals(Map.of("filename", "a very long name.pdf"),
                MimeParameters.of("attachment; filename*0=\"a very \"; filename*1=\"long name.pdf\""), "none extended");
        assertEquals(Map.of("filename*", "''long%20%25%C3%BC.txt"),
                MimeParameters.of("inline; filename*0=\"long %\"; filename*1*=%C3%BC.txt"),
                "a plain first segment is escaped, with empty charset and language");
        assertEquals(Map.of("filename*", "utf-8'de'%C3%BC", "filename", "u"),
                MimeParameters.of("attachment; filename*=utf-8'de'%C3%BC; filename=u"), "both forms kept");
    }

    @Test
    void continuationsWithGapsOrRepeatsAreNotJoined() {
        assertEquals(Map.of("name*1*", "%C3%BC.pdf", "name*3", "zz"),
                MimeParameters.of("application/pdf; name*1*=%C3%BC.pdf; name*3=zz"),
                "no segment 0 and a gap: each segment under its own name, as Dovecot sends them");
        assertEquals(Map.of("filename*0*", "utf-8''a", "filename*00*", "b", "filename*1", "c"),
                MimeParameters.of("attachment; filename*0*=utf-8''a; filename*00*=b; filename*1=c"),
                "segment 0 twice: nothing dropped");
        assertEquals(Map.of("name", "ab", "title*2", "x"),
                MimeParameters.of("text/plain; name*1=b; title*2=x; name*0=a"),
                "one name's gap leaves another's continuation joined");
    }
}
