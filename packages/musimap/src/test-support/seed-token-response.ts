/** The token response example from Musimap's authentication page, verbatim. */
export const seedTokenResponse = {
  status: 201,
  timestamp: 1605548750797,
  data: {
    id: '232a15c2-2f34-47ef-968b-86c3290d1058',
    removed_at: null,
    refreshed_at: null,
    revoked_at: null,
    subject_type: 'Client',
    subject_id: 'efb3ed15-0052-4e00-9584-1365510b547d',
    issued_at: 1605548750779,
    expires_at: 1605555950779,
    issuer_type: null,
    issuer_id: null,
    organization_id: 'e4587784-e0a4-43ff-8466-bf17afbb352c',
    token:
      'eyJqdGkiOiIyMzJhMTVjMi0yZTM0LTQ3ZWYtOTY4NTItNGUwMC05NTg0LTEzNjU1MTBiNTQ3ZCIsImV4cCI6MTYwNTU1NTk1MCwiaWF0IjoxNjA1NTQ4NzUwfQ==.mWSJ8A6Yz8SMgly4PqOiyP1KSFMJdaQ9fIknKmXHecIomO_HhEk5Ot15LW8AW8cvsKb1Mwk6IGu1ZMSy-hD5w45kbWOcXG1bHveEYmA4k73nCo9Pzx7muPsSD7z8adsfkHQkf2dFc-YDzRSfziu21jO9alrmUPC2UbgvjZy8EZFj2yUzQfKIjYi04NmMzMjkwZDEwNTgiLCJvaWQiOiJlNDU3Nzc4NC1lMGE0LTQyZmYtODQ2Ni1iZjE3YWZiNmI1MmMiLCJzdWIiOiJDbGllbnQ6OmVlYjNlZDE1LTAwtNfKsDn4D9sCIw-97WO6Lf77ENPNu6Vgyl8d4j210kYMqcu8sGvAcpsE-_WVlAyiEi5ZhLMi_5EMcE9gK3h68109yjsceKvM0IxZw3WCnK2-2pMkiCmM27K92w6h2WIQ9XNbo4ibqYtFhOWPcmBZH9LOSOIWlQcwA==',
  },
};
