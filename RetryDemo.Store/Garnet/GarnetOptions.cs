using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace RetryDemo.Store.Garnet;

/// <summary>The <c>Store</c> section: where Garnet listens and keeps its files.</summary>
public sealed class GarnetOptions : IValidatableObject
{
    public const string SectionName = "Store";

    /// <summary>The Redis-protocol port (the AppHost allocates it and passes it in <c>Store__Port</c>).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 6379;

    /// <summary>Loopback by default: under the AppHost only Aspire's proxy connects; a container sets 0.0.0.0.</summary>
    [Required]
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>Where a process on this machine reaches the store: loopback when it listens on every address, else its address.</summary>
    public string LocalAddress => Bind switch
    {
        "0.0.0.0" => "127.0.0.1",
        "::" or "[::]" => "::1",
        _ => Bind,
    };

    /// <summary>
    /// A client of this store from its own process (the warm-up, the first checkpoint, the health check): its address,
    /// its password, and the timeouts its work needs.
    /// </summary>
    public ConfigurationOptions LocalClient(string name, int connectTimeoutMs, int asyncTimeoutMs) => new()
    {
        EndPoints = { { LocalAddress, Port } },
        Password = string.IsNullOrEmpty(Password) ? null : Password,
        ClientName = name,
        ConnectTimeout = connectTimeoutMs,
        AsyncTimeout = asyncTimeoutMs,
    };

    /// <summary>The append-only file, checkpoints and the on-disk log tier live here; kept across restarts.</summary>
    [Required]
    public string DataDirectory { get; set; } = "store-data";

    /// <summary>
    /// Memory for the store's in-memory log; older records move to the disk tier beyond it, so it bounds
    /// memory, never writes. HelloService keeps up to 7,000,000 greetings with their keys (its StateRetention):
    /// most of them live on disk, and the process's resident memory stayed under 1.9 GB up to 5.7 million
    /// writes (docs/deployment.md).
    /// </summary>
    [Required]
    [RegularExpression(GarnetSizes.Pattern)]
    public string Memory { get; set; } = "512m";

    /// <summary>
    /// The hash index's size: 64-byte buckets of seven keys each. It must hold every key the store keeps, or
    /// Garnet adds overflow buckets and charges them to <see cref="Memory"/>, shrinking the log until writes
    /// wait for space that never comes: at 64m, with about 8 million keys, the store stopped answering
    /// (docs/benchmarks.md). HelloService keeps three keys per greeting (the greeting, its key's record and its
    /// index entry), 21 million at its 7,000,000 greetings: at 256m (4 million buckets) Garnet had 191,056
    /// overflow buckets by 4.2 million greetings, and charged 8 MB of them to the log. 512m gives 8 million,
    /// 2.6 keys a bucket on average.
    /// </summary>
    [Required]
    [RegularExpression(GarnetSizes.Pattern)]
    public string Index { get; set; } = "512m";

    /// <summary>
    /// The on-disk log's segment (file) size, for the main log and the object log; at least Garnet's page (16m).
    /// Compaction and the files it frees go a segment at a time.
    /// </summary>
    [Required]
    [RegularExpression(GarnetSizes.Pattern)]
    public string Segment { get; set; } = "64m";

    /// <summary>
    /// Compaction copies what is still live out of the oldest segments once the log on disk holds more than this
    /// many, and the next checkpoint deletes them. At Garnet's defaults (32 segments of 1 GB) the disk would hold
    /// 32 GB before compaction started at all.
    /// </summary>
    [Range(1, 1024)]
    public int CompactionSegments { get; set; } = 8;

    /// <summary>How often compaction looks at the log.</summary>
    [Range(1, 3600)]
    public int CompactionFrequencySeconds { get; set; } = 60;

    /// <summary>
    /// When set, every connection must AUTH with it before any command (Garnet's password mode). Empty, no
    /// password is asked: right for a store alone on loopback. The AppHost generates one (<c>store-password</c>).
    /// </summary>
    public string? Password { get; set; }

    /// <summary>Garnet's log page (16m): a segment smaller than a page, or a log memory under four, stops Garnet at start.</summary>
    public const long PageBytes = 16L << 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, size, least) in new[] { (nameof(Memory), Memory, 4 * PageBytes), (nameof(Index), Index, 1L << 20), (nameof(Segment), Segment, PageBytes) })
        {
            if (!GarnetSizes.TryParse(size, out var bytes))
            {
                yield return new ValidationResult($"Store:{name} must be a size such as 64m, under 8 exabytes (was {size}).", [name]);
            }
            else if (bytes < least)
            {
                yield return new ValidationResult($"Store:{name} must be at least {least >> 20}m (was {size}).", [name]);
            }
        }

        // Garnet rounds a segment down to a power of two; say so rather than run with another size than asked.
        if (GarnetSizes.TryParse(Segment, out var segment) && segment >= PageBytes && !GarnetSizes.IsPowerOfTwo(segment))
        {
            yield return new ValidationResult($"Store:Segment must be a power of two, such as 64m (was {Segment}).", [nameof(Segment)]);
        }
    }
}
