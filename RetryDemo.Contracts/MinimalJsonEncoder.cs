using System.Text.Encodings.Web;

namespace RetryDemo.Contracts;

/// <summary>
/// Escapes only what JSON requires — the quote, the backslash and control characters — and writes every
/// other character as its UTF-8. System.Text.Json's encoders, even <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>,
/// write each emoji as two <c>\uXXXX</c> escapes (12 bytes for 4), which let a valid name outgrow the body
/// limit once re-sent and made stored records grow several times over. For JSON read by programs, not
/// pasted into HTML.
/// </summary>
public sealed class MinimalJsonEncoder : JavaScriptEncoder
{
    public static readonly MinimalJsonEncoder Instance = new();

    private MinimalJsonEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => UnsafeRelaxedJsonEscaping.MaxOutputCharactersPerInputCharacter;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (var i = 0; i < textLength; i++)
        {
            if (MustEscape(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten) =>
        UnsafeRelaxedJsonEscaping.TryEncodeUnicodeScalar(unicodeScalar, buffer, bufferLength, out numberOfCharactersWritten);

    public override bool WillEncode(int unicodeScalar) => MustEscape(unicodeScalar);

    private static bool MustEscape(int c) => c is < 0x20 or '"' or '\\' or 0x7F;
}
