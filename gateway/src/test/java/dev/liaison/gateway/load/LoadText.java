package dev.liaison.gateway.load;

import java.util.Random;

/**
 * The load tools' message text: lines of up to 76 characters of words drawn (seeded, so every run
 * sends the same text) from a small vocabulary. It compresses about as well as ordinary mail, so
 * neither a store that compresses (PostgreSQL's TOAST) nor one that does not is flattered by a body
 * of one repeated letter.
 */
final class LoadText {
    private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are or"
            + " his from at which but have an they you were her she there been one all we their has would when if"
            + " so no will more what up out said about into than them can only other new some could time these two"
            + " may then do first any my now such like our over man me even most made after also did many before"
            + " must through back years where much your way well down should because each just those people how"
            + " too little state good very make world still own see men work long get here between both life being"
            + " under never day same another know while last might us great old year off come since against go"
            + " came right used take three meeting invoice schedule project report attached please thanks regards"
            + " tomorrow monday budget review draft contract delivery question answer").split(" ");

    private LoadText() {
    }

    /** Appends lines of words, each with its CRLF, while another full line keeps {@code text} within {@code limit}. */
    static StringBuilder appendLines(StringBuilder text, int limit, long seed) {
        Random random = new Random(seed);
        StringBuilder line = new StringBuilder(80);
        while (text.length() + 78 <= limit) {
            line.setLength(0);
            while (true) {
                String w = WORDS[random.nextInt(WORDS.length)];
                if (line.length() + 1 + w.length() > 76) {
                    break;
                }
                line.append(line.length() == 0 ? "" : " ").append(w);
            }
            text.append(line).append("\r\n");
        }
        return text;
    }
}
