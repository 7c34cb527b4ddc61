package dev.keycloaktwofactor.it.support;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import org.jsoup.nodes.Element;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;

/** Reads a QR code back from the image a page shows, as a phone camera would. */
public final class QrCode {

    private QrCode() {
    }

    public static String decode(Element img) {
        String src = img.attr("src");
        String prefix = "data:image/png;base64,";
        if (!src.startsWith(prefix)) {
            throw new AssertionError("Not an inline PNG: " + src.substring(0, Math.min(40, src.length())));
        }
        return decodePng(Base64.getDecoder().decode(src.substring(prefix.length()).trim()));
    }

    public static String decodePng(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
            // a QR reader, as phone apps use: a reader of every format may take part of a QR code for a 1D barcode
            return new QRCodeReader().decode(bitmap).getText();
        } catch (Exception e) {
            throw new AssertionError("No QR code could be read: " + e, e);
        }
    }
}
