package dev.liaison.gateway.autoconfig;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an Apple XML property list with the JDK's XML parser into maps, lists, strings, integers
 * and booleans, refusing anything that is not plist-shaped. The DOCTYPE's DTD is never fetched.
 */
public final class PlistReader {

    private PlistReader() {
    }

    /** Any well-formed XML document, with external DTDs and entities off. */
    public static Document parseXml(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    /** The top-level dictionary of a {@code <plist version="1.0">} document. */
    public static Map<String, Object> read(byte[] xml) throws Exception {
        Element root = parseXml(xml).getDocumentElement();
        if (!root.getTagName().equals("plist") || !"1.0".equals(root.getAttribute("version"))) {
            throw new IllegalArgumentException("not a plist 1.0: <" + root.getTagName() + ">");
        }
        List<Element> top = children(root);
        if (top.size() != 1) {
            throw new IllegalArgumentException("a plist holds one value, found " + top.size());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> dict = (Map<String, Object>) value(top.get(0));
        return dict;
    }

    private static Object value(Element e) {
        return switch (e.getTagName()) {
            case "dict" -> dict(e);
            case "array" -> children(e).stream().map(PlistReader::value).toList();
            case "string" -> e.getTextContent();
            case "integer" -> Long.parseLong(e.getTextContent());
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a plist value: <" + e.getTagName() + ">");
        };
    }

    private static Map<String, Object> dict(Element e) {
        List<Element> items = children(e);
        if (items.size() % 2 != 0) {
            throw new IllegalArgumentException("a dict alternates key and value");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) {
            if (!items.get(i).getTagName().equals("key")) {
                throw new IllegalArgumentException("expected <key>, found <" + items.get(i).getTagName() + ">");
            }
            if (map.put(items.get(i).getTextContent(), value(items.get(i + 1))) != null) {
                throw new IllegalArgumentException("key " + items.get(i).getTextContent() + " twice");
            }
        }
        return map;
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                out.add(child);
            } else if (n.getNodeType() == Node.TEXT_NODE && !n.getTextContent().isBlank()) {
                throw new IllegalArgumentException("text outside a value: " + n.getTextContent().strip());
            }
        }
        return out;
    }
}
