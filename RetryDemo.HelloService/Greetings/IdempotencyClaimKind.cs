namespace RetryDemo.HelloService.Greetings;

public enum IdempotencyClaimKind
{
    New,
    Existing,
    Mismatch,
    Full,
}
