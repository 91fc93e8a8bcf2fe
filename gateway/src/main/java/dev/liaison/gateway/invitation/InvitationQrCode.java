package dev.liaison.gateway.invitation;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * An invitation's {@code communicator:} URI as a QR code PNG (zxing). Error correction level L,
 * because {@link dev.liaison.gateway.Limits#MAX_INVITATION_BYTES} is sized so the longest URI still
 * fits one symbol at L (2953 bytes in byte mode); the code is shown on a screen, not printed.
 */
public final class InvitationQrCode {
    private static final int QUIET_ZONE_MODULES = 4;

    private InvitationQrCode() {
    }

    /** A PNG of at least {@code minimumSidePixels} per side. */
    public static byte[] png(Invitation invitation, int minimumSidePixels) {
        try {
            BitMatrix matrix = new QRCodeWriter().encode(InvitationCodec.uri(invitation), BarcodeFormat.QR_CODE,
                    minimumSidePixels, minimumSidePixels, Map.of(
                            EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.L,
                            EncodeHintType.MARGIN, QUIET_ZONE_MODULES,
                            EncodeHintType.CHARACTER_SET, "ISO-8859-1"));
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix, "PNG", png);
            return png.toByteArray();
        } catch (WriterException e) {
            throw new IllegalArgumentException("invitation URI does not fit a QR code: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new AssertionError("writing a PNG to memory failed", e);
        }
    }
}
