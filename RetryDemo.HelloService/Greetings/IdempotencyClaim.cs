namespace RetryDemo.HelloService.Greetings;

public sealed record IdempotencyClaim(IdempotencyClaimKind Kind, IdempotencyRecord? Record)
{
    public static readonly IdempotencyClaim Mismatch = new(IdempotencyClaimKind.Mismatch, null);
    public static readonly IdempotencyClaim Full = new(IdempotencyClaimKind.Full, null);

    public static IdempotencyClaim New(IdempotencyRecord record) => new(IdempotencyClaimKind.New, record);

    public static IdempotencyClaim Existing(IdempotencyRecord record) => new(IdempotencyClaimKind.Existing, record);
}
