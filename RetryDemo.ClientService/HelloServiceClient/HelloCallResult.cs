namespace RetryDemo.ClientService.HelloServiceClient;

public sealed record HelloCallResult<TReply>(TReply? Reply, HelloFailure? Failure, HelloCallReport Report, int? LastStatusCode, TimeSpan? RetryAfter)
    where TReply : class
{
    public static HelloCallResult<TReply> Success(TReply reply, HelloCallReport report) => new(reply, null, report, 200, null);

    public static HelloCallResult<TReply> Failed(HelloFailure failure, HelloCallReport report, int? lastStatusCode = null, TimeSpan? retryAfter = null) =>
        new(null, failure, report, lastStatusCode, retryAfter);
}
