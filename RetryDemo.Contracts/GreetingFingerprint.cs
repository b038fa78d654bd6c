using System.Security.Cryptography;
using System.Text;

namespace RetryDemo.Contracts;

/// <summary>
/// What an idempotency record remembers of a greeting's payload, so a key reused for another name is
/// told apart: the SHA-256 of the trimmed name. ClientService's commit lookup sends it instead of the
/// name, so the lookup's URL has a fixed length whatever the name, and no name travels in a URL.
/// </summary>
public static class GreetingFingerprint
{
    public const int Length = 64;

    public static string Of(string trimmedName) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(trimmedName)));

    public static bool IsWellFormed(string? fingerprint) => fingerprint is { Length: Length } && fingerprint.All(char.IsAsciiHexDigit);
}
