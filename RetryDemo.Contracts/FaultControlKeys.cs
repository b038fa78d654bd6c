using System.Security.Cryptography;
using System.Text;

namespace RetryDemo.Contracts;

/// <summary>Checks a presented fault-control key against the configured one.</summary>
public static class FaultControlKeys
{
    /// <summary>
    /// Constant time in the keys' contents and lengths: both are hashed first, so neither a prefix nor
    /// the length of the configured key shows in how long a wrong guess takes.
    /// </summary>
    public static bool Matches(string? presented, string expected) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
