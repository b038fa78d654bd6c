using RetryDemo.ClientService.Answers;

namespace RetryDemo.ClientService.Hello;

public sealed record HelloResponse(string Message, string Instance, AttemptReport Report);
