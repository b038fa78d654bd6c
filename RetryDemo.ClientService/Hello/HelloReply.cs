namespace RetryDemo.ClientService.Hello;

public sealed record HelloReply(string Message, string Instance, int? Attempt);
